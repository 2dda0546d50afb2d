using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>A basic ResNet block: two 3x3 convolutions with batch norm, plus a 1x1 projection shortcut when the shape changes.</summary>
internal sealed class ResidualBlock : Layer
{
    private readonly Conv2d _conv1, _conv2;
    private readonly BatchNorm2d _bn1, _bn2;
    private readonly Sequential? _shortcut;

    public ResidualBlock(long inChannels, long outChannels, long stride)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inChannels, outChannels, 3, stride, 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(outChannels));
        _conv2 = RegisterModule("conv2", new Conv2d(outChannels, outChannels, 3, 1, 1, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(outChannels));
        if (stride != 1 || inChannels != outChannels)
            _shortcut = RegisterModule("shortcut", new Sequential(new Conv2d(inChannels, outChannels, 1, stride, bias: false), new BatchNorm2d(outChannels)));
    }

    public override Tensor Forward(Tensor input)
    {
        using var a = _conv1.Forward(input);
        using var b = _bn1.Forward(a);
        using var c = b.Relu();
        using var d = _conv2.Forward(c);
        using var e = _bn2.Forward(d);
        using var skip = _shortcut is null ? input.Alias() : _shortcut.Forward(input);
        using var sum = e + skip;
        return sum.Relu();
    }
}
