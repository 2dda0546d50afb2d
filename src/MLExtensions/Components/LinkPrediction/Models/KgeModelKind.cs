namespace MLExtensions.Components.LinkPrediction;

/// <summary>The knowledge-graph embedding decoders (score functions) a link predictor can use.</summary>
public enum KgeModelKind
{
    /// <summary>Bilinear-diagonal: score = Σ h·r·t (Yang et al. 2015). Symmetric in head and tail.</summary>
    DistMult,
    /// <summary>Complex bilinear: score = Re(Σ h·r·conj(t)) (Trouillon et al. 2016). Handles asymmetric relations.</summary>
    ComplEx,
    /// <summary>Rotation in the complex plane: score = γ − Σ |h∘r − t| with |r| = 1 (Sun et al. 2019).</summary>
    RotatE,
    /// <summary>Translation: score = γ − ‖h + r − t‖ₚ (Bordes et al. 2013).</summary>
    TransE,
}
