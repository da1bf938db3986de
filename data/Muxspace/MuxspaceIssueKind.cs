namespace NativeCnn.Data.Muxspace;

/// <summary>The kinds of problem the muxspace reader works around; each is counted and listed in <see cref="MuxspaceReport"/>.</summary>
public enum MuxspaceIssueKind
{
    /// <summary>A legend row without three fields (user.id,image,emotion) or with an empty image name; the row is ignored.</summary>
    MalformedRow,

    /// <summary>A legend row whose emotion is not one of the eight classes (compared case-insensitively); the row is ignored.</summary>
    UnknownLabel,

    /// <summary>A legend row that repeats an earlier row's image with the same label; the image is loaded once.</summary>
    DuplicateRow,

    /// <summary>An image listed with two or more different labels (muxspace: Avinash_30.jpg); the image is dropped, since no label can be trusted.</summary>
    ConflictingLabels,

    /// <summary>A legend row whose image file is not in images/; the row is ignored.</summary>
    MissingImage,

    /// <summary>A file in images/ with no legend row; it is counted, not loaded.</summary>
    UnlabelledImage,

    /// <summary>A labelled file whose content is no image format we decode (JPEG, PNG, BMP, GIF, TIFF, WebP); skipped.</summary>
    UnsupportedFormat,

    /// <summary>A labelled image the decoder rejects (corrupt, truncated, over the pixel limit); skipped only with <see cref="ReadOptions.SkipBadImages"/>, otherwise the load throws.</summary>
    CorruptImage,

    /// <summary>A labelled image whose content is another format than its extension says (muxspace: facial-expressions_2868588k.jpg holds WebP); loaded, and reported so the mismatch is not silent.</summary>
    MisnamedFormat,
}
