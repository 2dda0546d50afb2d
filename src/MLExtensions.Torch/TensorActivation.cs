namespace MLExtensions.Torch;

// Activations as tensor methods (the NN.Functional class has the same under torch.nn.functional names).
public sealed partial class Tensor
{
    public Tensor Relu() => O("aten::relu").Call(this);
    /// <summary>GELU; <paramref name="tanhApproximation"/> selects the tanh form.</summary>
    public Tensor Gelu(bool tanhApproximation = false) => O("aten::gelu").Call(this, tanhApproximation ? "tanh" : "none");
    public Tensor Silu() => O("aten::silu").Call(this);
    public Tensor Tanh() => O("aten::tanh").Call(this);
    public Tensor Sigmoid() => O("aten::sigmoid").Call(this);
    public Tensor LeakyRelu(double negativeSlope = 0.01) => O("aten::leaky_relu").Call(this, negativeSlope);
    public Tensor Elu(double alpha = 1.0) => O("aten::elu").Call(this, alpha);
    public Tensor Softplus(double beta = 1, double threshold = 20) => O("aten::softplus").Call(this, beta, threshold);
    public Tensor Softmax(int dim) => O("aten::softmax", "int").Call(this, dim);
    public Tensor LogSoftmax(int dim) => O("aten::log_softmax", "int").Call(this, dim);
}
