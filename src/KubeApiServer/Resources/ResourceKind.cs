using DirectLB.KubeApiServer.Printing;

namespace DirectLB.KubeApiServer.Resources;

/// <summary>
/// Describes one resource type the server serves. The server is generic over JSON objects;
/// everything kind-specific it needs to know lives in this small record.
/// </summary>
/// <param name="Group">API group; empty for the core ("legacy") group served under <c>/api</c>.</param>
/// <param name="Version">API version within the group, e.g. <c>v1</c>.</param>
/// <param name="Plural">URL path segment, e.g. <c>services</c>.</param>
/// <param name="Kind">Object kind, e.g. <c>Service</c>.</param>
/// <param name="ListKind">Kind of list responses, e.g. <c>ServiceList</c>.</param>
/// <param name="Namespaced">Whether objects live in a namespace.</param>
/// <param name="HasStatusSubresource">
/// Whether <c>/status</c> exists. Such kinds ignore status on main-resource writes, accept only status on
/// <c>/status</c> writes, and bump <c>metadata.generation</c> on spec changes.
/// </param>
public sealed record ResourceKind(
    string Group,
    string Version,
    string Plural,
    string Kind,
    string ListKind,
    bool Namespaced,
    bool HasStatusSubresource)
{
    /// <summary>
    /// Field selector paths accepted besides <c>metadata.name</c> and <c>metadata.namespace</c>.
    /// The real server rejects unknown field labels, so a controller relying on one must find it registered here.
    /// </summary>
    public IReadOnlyList<string> SelectableFields { get; init; } = [];

    /// <summary>The short names discovery announces, as the real server's (<c>svc</c>, <c>po</c>), which kubectl resolves.</summary>
    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>The categories discovery announces, e.g. <c>all</c> for <c>kubectl get all</c>.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>The status (JSON) the server gives a new object of a kind with a status subresource; none if null.</summary>
    public string? InitialStatus { get; init; }

    /// <summary>How the kind prints as a table; null for the real server's default (NAME, CREATED AT).</summary>
    public ResourcePrinter? Printer { get; init; }

    /// <summary><c>v1</c> for the core group, otherwise <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Group-qualified plural as the real server names it in error messages, e.g. <c>endpointslices.discovery.k8s.io</c>.</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
