namespace DirectLB.KubeApiServer.Patching;

/// <summary>The patch flavours the server accepts, keyed by request content type.</summary>
public enum PatchType
{
    /// <summary><c>application/merge-patch+json</c>, RFC 7386.</summary>
    Merge,

    /// <summary>
    /// <c>application/strategic-merge-patch+json</c>. Applied as a plain merge patch: list merge keys and
    /// <c>$patch</c> directives are not modelled, so lists in the patch replace lists in the object.
    /// </summary>
    StrategicMerge,

    /// <summary><c>application/json-patch+json</c>, RFC 6902 including <c>test</c>.</summary>
    Json,
}

public static class PatchTypes
{
    /// <summary>Maps a request content type (parameters such as <c>charset</c> ignored) to a patch type, or null if unsupported.</summary>
    public static PatchType? FromContentType(string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "application/merge-patch+json" => PatchType.Merge,
            "application/strategic-merge-patch+json" => PatchType.StrategicMerge,
            "application/json-patch+json" => PatchType.Json,
            _ => null,
        };
    }
}
