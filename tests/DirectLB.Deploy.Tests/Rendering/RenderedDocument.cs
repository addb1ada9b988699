namespace DirectLB.Deploy.Tests.Rendering;

/// <summary>One document of a rendered chart, with the template it came from.</summary>
public sealed record RenderedDocument(string Source, string Text, Dictionary<string, object?> Tree)
{
    public string Kind => Tree.Str("kind");

    public string Name => Tree.Str("metadata.name");
}

public static class RenderedDocuments
{
    public static RenderedDocument Single(this IEnumerable<RenderedDocument> documents, string kind) =>
        documents.Where(document => document.Kind == kind).ToList() is [var single]
            ? single
            : throw new InvalidOperationException($"expected exactly one {kind}");

    public static IReadOnlyList<RenderedDocument> OfKind(this IEnumerable<RenderedDocument> documents, string kind) =>
        [.. documents.Where(document => document.Kind == kind)];
}
