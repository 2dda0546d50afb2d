namespace MLExtensions.Data;

/// <summary>How an image folder (one sub-folder per class) is listed.</summary>
public sealed class ImageFolderOptions
{
    /// <summary>File extensions that count as images (compared ignoring case). Default: .png, .jpg, .jpeg, .bmp.</summary>
    public IReadOnlyCollection<string> Extensions { get; set; } = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <summary>The name of the path column (default "ImagePath").</summary>
    public string ImagePathColumnName { get; set; } = "ImagePath";

    /// <summary>The name of the label column (default "Label"): a key column whose key names are the class folder names.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Whether images in nested folders of a class folder belong to that class (default true).</summary>
    public bool Recursive { get; set; } = true;
}
