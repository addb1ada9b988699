namespace DirectLB.KubeApiServer.Patching;

/// <summary>The patch flavours the server accepts, keyed by request content type.</summary>
public enum PatchType
{
    /// <summary><c>application/merge-patch+json</c>, RFC 7386.</summary>
    Merge,

    /// <summary>
    /// <c>application/strategic-merge-patch+json</c>: a merge patch whose lists with a schema merge key (pod
    /// conditions by <c>type</c>, containers by <c>name</c>, ...) merge element by element; see <see cref="StrategicMergePatch"/>.
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
