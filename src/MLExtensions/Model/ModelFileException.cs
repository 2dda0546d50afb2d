namespace MLExtensions.Model;

/// <summary>A model file cannot be read: it is damaged, unsafe, too large, or from an unknown format or component.</summary>
public sealed class ModelFileException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public ModelFileException(string path, string message, Exception? inner = null) : base(message, inner) => FilePath = path;

    /// <summary>The full path of the model file, or a stream's name.</summary>
    public string FilePath { get; }
}
