namespace MLExtensions.Components.LinkPrediction;

/// <summary>Creates a decoder of a given kind (the one place that maps kinds to classes).</summary>
public static class KgeModels
{
    /// <summary>A new, randomly initialised model.</summary>
    public static KgeModel Create(KgeModelKind kind, long entityCount, long relationCount, int dim, double margin, int norm, bool reciprocal = false) => kind switch
    {
        KgeModelKind.DistMult => new DistMult(entityCount, relationCount, dim, reciprocal),
        KgeModelKind.ComplEx => new ComplEx(entityCount, relationCount, dim, reciprocal),
        KgeModelKind.RotatE => new RotatE(entityCount, relationCount, dim, margin, reciprocal),
        KgeModelKind.TransE => new TransE(entityCount, relationCount, dim, margin, norm, reciprocal),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown model kind"),
    };

    /// <summary>
    /// The model <paramref name="options"/> describe: the decoder, and in front of it the encoder over
    /// <paramref name="graph"/> (the training triples) when one is chosen.
    /// </summary>
    public static KgeModel Create(LinkPredictionOptions options, long entityCount, long relationCount, TripleIds graph)
    {
        var model = Create(options.Model, entityCount, relationCount, options.Dim, options.Margin, options.TransENorm, options.ReciprocalRelations);
        try
        {
            if (options.UsesEntityBias) model.AddEntityBias(model.PriorEntityBias);
            if (options.Encoder == EntityEncoderKind.Rgcn)
                model.SetEncoder(new RgcnEncoder(entityCount, relationCount, model.EntityWeight.Size(1), graph,
                                                 options.EncoderLayers, options.EncoderBases, options.RgcnDecomposition));
            else if (options.Encoder == EntityEncoderKind.CompGcn)
            {
                if (model.RelationWeight.Size(1) != model.EntityWeight.Size(1))
                    throw new ArgumentException($"the CompGCN encoder needs a decoder whose relations and entities have one width; {options.Model} does not");
                model.SetEncoder(new CompGcnEncoder(entityCount, model.EntityWeight.Size(1), graph, options.EncoderLayers, options.CompGcnComposition));
            }
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>Parses a model name as the CLI and model files spell it (distmult, complex, rotate, transe).</summary>
    public static KgeModelKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "distmult" => KgeModelKind.DistMult,
        "complex" => KgeModelKind.ComplEx,
        "rotate" => KgeModelKind.RotatE,
        "transe" => KgeModelKind.TransE,
        _ => throw new ArgumentException($"unknown model '{name}'; known: distmult, complex, rotate, transe"),
    };

    /// <summary>The name <see cref="Parse"/> reads.</summary>
    public static string NameOf(KgeModelKind kind) => kind.ToString().ToLowerInvariant();
}
