using MLExtensions.Components.CrossModal;
using MLExtensions.Data;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Tests.Components.CrossModal;

/// <summary>Gradient accumulation with the negatives of InfoNCE shared across the micro-batches of a step (gradient caching).</summary>
[TestClass]
public sealed class SharedNegativesTests
{
    // A small image and text encoder from engine layers, with batch norm: image conv → BN → ReLU → mean → linear;
    // text: mean of subword embeddings (padding ignored) → linear.
    private sealed class PairEncoder : Module
    {
        private readonly Sequential _image;
        private readonly Linear _imageProjection, _textProjection;
        private readonly Embedding _tokens;

        public PairEncoder(int vocabularySize)
        {
            _image = RegisterModule("image", new Sequential(new Conv2d(3, 8, 3, 2, 1, bias: false), new BatchNorm2d(8), new ReLU()));
            _imageProjection = RegisterModule("image_projection", new Linear(8, 16));
            _tokens = RegisterModule("tokens", new Embedding(vocabularySize, 16, paddingIdx: BpeTokenizer.PadId));
            _textProjection = RegisterModule("text_projection", new Linear(16, 16));
            LogScale = RegisterParameter("logit_scale", torch.Scalar(ContrastiveLoss.InitialLogScale));
        }

        public Tensor LogScale { get; }

        public (Tensor Images, Tensor Texts) Encode(Tensor images, Tensor ids)
        {
            var pooled = _image.Forward(images).Mean([2, 3]);
            var keep = ids.Ne(BpeTokenizer.PadId).Unsqueeze(2).To(ScalarType.Float32);
            var mean = (_tokens.Forward(ids) * keep).Sum(1) / keep.Sum(1).ClampMin(1);
            return (Functional.Normalize(_imageProjection.Forward(pooled), dim: 1), Functional.Normalize(_textProjection.Forward(mean), dim: 1));
        }
    }

    // The 18 shape images as float [18, 3, 16, 16] in [-1, 1] and their captions as padded BPE ids.
    private static (Tensor Images, Tensor Ids, int Vocabulary) Inputs(ShapesData data)
    {
        var pixels = torch.Stack(data.Paths.Select(p => Images.Decode(p, 3, 16, 16)).ToArray());
        var images = pixels.Permute(0, 3, 1, 2).To(ScalarType.Float32) / 127.5 - 1.0;
        var tokenizer = BpeTokenizer.Learn(data.Captions, 64, 12);
        var encoded = data.Captions.Select(c => tokenizer.Encode(c)).ToArray();
        int length = encoded.Max(e => e.Length);
        var ids = new long[encoded.Length * length];
        for (int i = 0; i < encoded.Length; i++)
            for (int j = 0; j < encoded[i].Length; j++) ids[i * length + j] = encoded[i][j];
        return (images, Tensor.From(ids, encoded.Length, length), tokenizer.VocabularySize);
    }

    private static float[][] Gradients(Module network) =>
        network.Parameters().Select(p => { using var g = p.Grad!; return g.Contiguous().ToArray<float>(); }).ToArray();

    private static float[][] Buffers(Module network) =>
        network.NamedBuffers().Select(b => b.Buffer.To(ScalarType.Float32).Contiguous().ToArray<float>()).ToArray();

    private static double MaxDifference(float[][] a, float[][] b) =>
        a.Zip(b).Max(p => p.First.Zip(p.Second).Max(x => (double)Math.Abs(x.First - x.Second)));

    private static double MaxAbs(float[][] a) => a.Max(g => g.Max(x => (double)Math.Abs(x)));

    [TestMethod]
    public void CachedGradientsEqualOneInfoNceOverAllMicroBatches()
    {
        // Batch norm in training mode normalises each micro-batch by its own statistics, so the reference is one InfoNCE
        // over the concatenated embeddings of the micro-batches, each embedded with a graph.
        using var data = new ShapesData(16);
        using var scope = torch.NewDisposeScope();
        var (images, ids, vocabulary) = Inputs(data);
        torch.ManualSeed(11);
        using var network = new PairEncoder(vocabulary);
        var order = new long[] { 4, 11, 0, 17, 8, 2, 13, 6, 9, 15, 1, 10 };   // 12 of the 18 pairs, 4 micro-batches of 3
        var micro = Enumerable.Range(0, 4).Select(i =>
        {
            var index = Tensor.From(order.Skip(3 * i).Take(3).ToArray(), 3);
            return (Images: images.IndexSelect(0, index), Ids: ids.IndexSelect(0, index));
        }).ToArray();
        var initialBuffers = network.NamedBuffers().Select(b => b.Buffer.Clone()).ToArray();

        var embedded = micro.Select(m => network.Encode(m.Images, m.Ids)).ToArray();
        var loss = ContrastiveLoss.SymmetricInfoNce(torch.Cat(embedded.Select(e => e.Images).ToArray()),
            torch.Cat(embedded.Select(e => e.Texts).ToArray()), network.LogScale);
        loss.Backward();
        var expected = Gradients(network);
        var expectedBuffers = Buffers(network);

        // Same start: gradients cleared, running statistics as before.
        foreach (var p in network.Parameters()) p.ZeroGrad();
        using (torch.NoGrad())
            foreach (var ((_, buffer), initial) in network.NamedBuffers().Zip(initialBuffers)) buffer.Copy_(initial);
        double cachedLoss = ContrastiveGradientCache.Backward(network, micro.Length, i => network.Encode(micro[i].Images, micro[i].Ids), network.LogScale);
        var cached = Gradients(network);

        Assert.AreEqual(loss.Item<float>(), cachedLoss, 1e-5);
        double scale = MaxAbs(expected);
        Assert.IsTrue(scale > 1e-3, $"the reference gradients are {scale}");
        Assert.IsTrue(MaxDifference(expected, cached) <= 1e-5 * scale, $"max gradient difference {MaxDifference(expected, cached)} (largest gradient {scale})");
        // Running statistics are updated once per micro-batch, as by the reference's single pass (not twice).
        Assert.IsTrue(MaxDifference(expectedBuffers, Buffers(network)) <= 1e-6, $"max buffer difference {MaxDifference(expectedBuffers, Buffers(network))}");

        // Each micro-batch contrasted with its own 3 pairs only gives other gradients: the comparison above can fail.
        foreach (var p in network.Parameters()) p.ZeroGrad();
        foreach (var m in micro)
        {
            var (i, t) = network.Encode(m.Images, m.Ids);
            (ContrastiveLoss.SymmetricInfoNce(i, t, network.LogScale) * 0.25).Backward();
        }
        Assert.IsTrue(MaxDifference(expected, Gradients(network)) > 0.05 * scale, "local negatives gave the shared-negative gradients");
    }

    // ViT and bag-of-subwords encoders have no batch statistics and no dropout: an embedding does not depend on the batch.
    private static CrossModalEncoderOptions BatchFreeOptions(int batchSize, int accumulation, bool shared)
    {
        var options = CrossModalEncoderTests.SmallOptions();
        options.ImageEncoder = ImageEncoderKind.Vit;
        options.ImageSize = 16;
        options.VitPatchSize = 4;
        options.VitWidth = 16;
        options.VitLayers = 1;
        options.VitHeads = 2;
        options.TextEncoder = TextEncoderKind.BagOfWords;
        options.Epochs = 2;
        options.BatchSize = batchSize;
        options.AccumulationSteps = accumulation;
        options.AccumulationSharesNegatives = shared;
        options.MaxGradNorm = 0;
        return options;
    }

    [TestMethod]
    public void AccumulatingFourMicroBatchesOfThreeTrainsLikeBatchesOfTwelve()
    {
        // 18 pairs: each epoch one step of 12 pairs and one of 6 (4 + 2 micro-batches of 3), same shuffles (same seed).
        using var data = new ShapesData(16);
        DataBatch pairs = data.Batch();
        CrossModalEncoderModel Train(int batch, int accumulation, bool shared) =>
            new MLExtContext(5).CrossModalEncoder(BatchFreeOptions(batch, accumulation, shared)).Fit(pairs);
        using var large = Train(12, 1, true);
        using var accumulated = Train(3, 4, true);
        using var local = Train(3, 4, false);
        using var scope = torch.NewDisposeScope();
        var expected = new[] { large.EmbedImages(data.Paths), large.EmbedTexts(data.Captions) };
        var shared = new[] { accumulated.EmbedImages(data.Paths), accumulated.EmbedTexts(data.Captions) };
        var separate = new[] { local.EmbedImages(data.Paths), local.EmbedTexts(data.Captions) };
        static double Difference(Tensor a, Tensor b) => (a - b).Abs().Max().Item<float>();
        for (int k = 0; k < 2; k++)
        {
            Assert.IsTrue(Difference(expected[k], shared[k]) < 1e-4, $"embeddings {k}: max difference {Difference(expected[k], shared[k])}");
            Assert.IsTrue(Difference(expected[k], separate[k]) > 1e-3, $"embeddings {k}: local negatives trained the same model");
        }
    }
}
