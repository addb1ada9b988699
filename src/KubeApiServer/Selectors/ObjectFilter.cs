using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Store;

namespace DirectLB.KubeApiServer.Selectors;

/// <summary>Which objects a list or watch covers: an optional namespace plus label and field selectors.</summary>
public sealed record ObjectFilter(string? Namespace, LabelSelector Labels, FieldSelector Fields)
{
    public static ObjectFilter All { get; } = new(null, LabelSelector.Everything, FieldSelector.Everything);

    public bool Matches(JsonObject obj) =>
        (Namespace is null || ObjectMeta.Namespace(obj) == Namespace)
        && Labels.Matches(ObjectMeta.Labels(obj))
        && Fields.Matches(obj);
}
