using System.Text;
using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Validation;

/// <summary>
/// apimachinery's <c>ValidateObjectMeta</c>: the name by its kind's rule (a Service's a DNS-1035 label, a Namespace's a
/// DNS-1123 label, every other kind's here a DNS-1123 subdomain), the namespace, label keys and values, annotation keys
/// and their total size.
/// </summary>
internal static class ObjectMetaRules
{
    private const int TotalAnnotationSizeLimit = 256 * 1024;

    public static void Check(FieldErrors errors, ResourceKind kind, JsonObject obj)
    {
        var meta = obj["metadata"] as JsonObject;
        var name = meta?["name"]?.GetValue<string>() ?? "";
        errors.InvalidEach("metadata.name", name, NameRule(kind)(name));
        if (kind.Namespaced && meta?["namespace"]?.GetValue<string>() is { } ns)
        {
            errors.InvalidEach("metadata.namespace", ns, NameRules.Dns1123Label(ns));
        }
        Labels(errors, meta?["labels"] as JsonObject, "metadata.labels");
        if (meta?["annotations"] is JsonObject annotations)
        {
            var size = 0L;
            foreach (var (key, value) in annotations)
            {
                errors.InvalidEach("metadata.annotations", key, NameRules.QualifiedName(key.ToLowerInvariant()));
                size += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value?.GetValue<string>() ?? "");
            }
            if (size > TotalAnnotationSizeLimit)
            {
                errors.TooLong("metadata.annotations", TotalAnnotationSizeLimit);
            }
        }
    }

    /// <summary><c>ValidateLabels</c>: every error at the map's own path, the offending key or value as the value.</summary>
    public static void Labels(FieldErrors errors, JsonObject? labels, string path)
    {
        foreach (var (key, value) in labels ?? [])
        {
            errors.InvalidEach(path, key, NameRules.QualifiedName(key));
            var text = value?.GetValue<string>() ?? "";
            errors.InvalidEach(path, text, NameRules.LabelValue(text));
        }
    }

    private static Func<string, IEnumerable<string>> NameRule(ResourceKind kind) =>
        kind == ResourceTable.Services ? NameRules.Dns1035Label
        : kind == ResourceTable.Namespaces ? NameRules.Dns1123Label
        : NameRules.Dns1123Subdomain;
}
