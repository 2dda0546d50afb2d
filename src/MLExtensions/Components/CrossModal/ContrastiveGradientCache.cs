using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// Gradient accumulation with negatives shared across the micro-batches of one optimizer step (gradient caching):
/// symmetric InfoNCE over all the step's pairs, each pair contrasted with every other pair of the step, while only one
/// micro-batch's activations are kept at a time.
/// </summary>
/// <remarks>
/// Pass 1 embeds every micro-batch without a graph. The loss over all the embeddings is computed once; its gradient
/// with respect to the embeddings is kept, and its gradient with respect to the log scale goes to the scale's
/// <see cref="Tensor.Grad"/>. Pass 2 embeds each micro-batch again, now with a graph, and back-propagates the kept
/// embedding gradients of its rows into the parameters. The parameter gradients are those of one InfoNCE over the
/// concatenated embeddings of the micro-batches (for a network whose forward does not depend on the batch it is in,
/// those of one batch of all the pairs), at the cost of a second forward pass without a graph.
/// <para>
/// The encoder must give the same embeddings for a micro-batch in both passes: the same inputs (augment before, not
/// inside, <c>encode</c>) and no random layers (dropout off). Batch norm in training mode normalises by the statistics
/// of the micro-batch it is given, the same in both passes; the network's buffers (running statistics, batch counts)
/// are restored after pass 1, so they are updated once per micro-batch, by pass 2, as plain accumulation would.
/// </para>
/// </remarks>
public static class ContrastiveGradientCache
{
    /// <summary>
    /// Adds to the parameters' gradients (and to <paramref name="logScale"/>'s) the gradient of symmetric InfoNCE over
    /// all rows of the <paramref name="microBatches"/> micro-batches, and returns that loss.
    /// </summary>
    /// <param name="network">The module whose buffers <paramref name="encode"/> may update (restored after pass 1).</param>
    /// <param name="microBatches">The number of micro-batches (at least 1).</param>
    /// <param name="encode">
    /// Embeds micro-batch i: L2-normalised image and text embeddings [b_i, D], row r of one matching row r of the other.
    /// Called twice for each i (pass 1 under no-grad), and must give the same embeddings both times.
    /// </param>
    /// <param name="logScale">The learned log scale of the logits (a parameter).</param>
    public static double Backward(Module network, int microBatches, Func<int, (Tensor Images, Tensor Texts)> encode, Tensor logScale)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(encode);
        ArgumentNullException.ThrowIfNull(logScale);
        ArgumentOutOfRangeException.ThrowIfLessThan(microBatches, 1);
        using var scope = torch.NewDisposeScope();

        // Pass 1: every micro-batch's embeddings, no graph; the buffers as they were before it.
        var buffers = network.NamedBuffers().Select(b => b.Buffer).ToArray();
        Tensor[] saved;
        using (torch.NoGrad()) saved = buffers.Select(b => b.Clone()).ToArray();
        var images = new Tensor[microBatches];
        var texts = new Tensor[microBatches];
        using (torch.NoGrad())
        {
            for (int i = 0; i < microBatches; i++)
            {
                var (image, text) = encode(i);
                if (image.Dim != 2 || text.Dim != 2 || image.Size(0) != text.Size(0))
                    throw new ArgumentException($"micro-batch {i}: encode must give two [b, D] embeddings of the same size, got [{string.Join(", ", image.Shape)}] and [{string.Join(", ", text.Shape)}]");
                images[i] = image;
                texts[i] = text;
            }
            for (int i = 0; i < buffers.Length; i++) buffers[i].Copy_(saved[i]);
        }

        // The loss over all rows, and its gradient with respect to the embeddings (and, into logScale.Grad, the scale).
        var allImages = torch.Cat(images).RequiresGrad_();
        var allTexts = torch.Cat(texts).RequiresGrad_();
        var loss = ContrastiveLoss.SymmetricInfoNce(allImages, allTexts, logScale);
        loss.Backward();
        double value = loss.Item<float>();
        var imageGrad = allImages.Grad ?? throw new InvalidOperationException("no gradient reached the image embeddings");
        var textGrad = allTexts.Grad ?? throw new InvalidOperationException("no gradient reached the text embeddings");

        // Pass 2: each micro-batch with a graph, its rows' cached gradients back-propagated into the parameters.
        long offset = 0;
        for (int i = 0; i < microBatches; i++)
        {
            using var step = torch.NewDisposeScope();
            long rows = images[i].Size(0);
            var (image, text) = encode(i);
            if (image.Size(0) != rows || text.Size(0) != rows)
                throw new InvalidOperationException($"micro-batch {i}: encode gave {image.Size(0)} rows in pass 2 but {rows} in pass 1");
            // d/dθ of Σ e·g is the chain rule's product of the embeddings' Jacobian with the cached gradient g.
            var surrogate = (image * imageGrad.Narrow(0, offset, rows)).Sum() + (text * textGrad.Narrow(0, offset, rows)).Sum();
            surrogate.Backward();
            offset += rows;
        }
        return value;
    }
}
