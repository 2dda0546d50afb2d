using MLExtensions.Torch.Interop;

namespace MLExtensions.Torch;

/// <summary>Functional autograd (torch.autograd.grad).</summary>
public static class Autograd
{
    /// <summary>
    /// Gradients of sum(outputs[i] * gradOutputs[i]) with respect to <paramref name="inputs"/>, returned rather than
    /// accumulated into <c>.Grad</c>. With <paramref name="createGraph"/> they can be differentiated again
    /// (second-order meta-learning). Unused inputs give null when <paramref name="allowUnused"/>, else an error.
    /// </summary>
    public static unsafe Tensor?[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? gradOutputs = null,
        bool retainGraph = false, bool createGraph = false, bool allowUnused = false)
    {
        if (gradOutputs != null && gradOutputs.Count != outputs.Count)
            throw new ArgumentException($"{gradOutputs.Count} grad outputs for {outputs.Count} outputs", nameof(gradOutputs));
        var outs = new IntPtr[outputs.Count];
        var gouts = new IntPtr[outputs.Count];
        var ins = new IntPtr[inputs.Count];
        var results = new IntPtr[inputs.Count];
        for (int i = 0; i < outs.Length; i++) { outs[i] = outputs[i].Handle; gouts[i] = gradOutputs?[i]?.Handle ?? IntPtr.Zero; }
        for (int i = 0; i < ins.Length; i++) ins[i] = inputs[i].Handle;
        fixed (IntPtr* po = outs, pg = gouts, pi = ins, pr = results)
            NativeMethods.Check(NativeMethods.mlx_autograd_grad(po, outs.Length, pg, pi, ins.Length, retainGraph ? 1 : 0, createGraph ? 1 : 0, allowUnused ? 1 : 0, pr));
        GC.KeepAlive(outputs);
        GC.KeepAlive(inputs);
        GC.KeepAlive(gradOutputs);
        return results.Select(h => h == IntPtr.Zero ? null : new Tensor(h)).ToArray();
    }
}
