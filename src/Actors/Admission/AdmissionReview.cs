using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;

namespace DirectLB.Actors.Admission;

/// <summary>What an <c>admission.k8s.io/v1</c> AdmissionReview asks, as far as DirectLB's webhook cares.</summary>
public abstract record AdmissionRequest(string Uid);

/// <summary>A Pod about to be created: its namespace, its name for log lines, its labels and the readiness gates it lists already.</summary>
public sealed record PodCreation(
    string Uid,
    string Namespace,
    string PodName,
    ImmutableSortedDictionary<string, string> Labels,
    ImmutableArray<string> ReadinessGates) : AdmissionRequest(Uid);

/// <summary>Anything else (another kind, another operation): allowed as it is.</summary>
public sealed record OtherRequest(string Uid, string What) : AdmissionRequest(Uid);

/// <summary>
/// Reads AdmissionReview requests and writes their responses (<c>admission.k8s.io/v1</c>). Every response allows:
/// the webhook only adds readiness gates, and must never be the reason a pod cannot be created.
/// </summary>
public static class AdmissionReview
{
    public const string ApiVersion = "admission.k8s.io/v1";

    /// <summary>Reads the review's request; throws <see cref="FormatException"/>, saying what is wrong, for anything that is not one.</summary>
    public static AdmissionRequest Read(JsonNode? review)
    {
        if (review is not JsonObject root || Text(root, "apiVersion") != ApiVersion || Text(root, "kind") != "AdmissionReview")
        {
            throw new FormatException($"not an {ApiVersion} AdmissionReview");
        }

        if (root["request"] is not JsonObject request || Text(request, "uid") is not { Length: > 0 } uid)
        {
            throw new FormatException("the AdmissionReview has no request with a uid");
        }

        var kind = request["kind"] as JsonObject;
        var operation = Text(request, "operation");
        if (kind is null || Text(kind, "group") is not (null or "") || Text(kind, "kind") != "Pod" || operation != "CREATE")
        {
            return new OtherRequest(uid, $"{operation} {(kind is null ? "?" : Text(kind, "kind"))}");
        }

        if (request["object"] is not JsonObject pod || pod["metadata"] is not JsonObject metadata || pod["spec"] is not JsonObject spec)
        {
            throw new FormatException("the Pod CREATE request carries no pod with metadata and spec");
        }

        var ns = Text(request, "namespace") is { Length: > 0 } requestNamespace ? requestNamespace : Text(metadata, "namespace");
        if (string.IsNullOrEmpty(ns))
        {
            throw new FormatException("the Pod CREATE request names no namespace");
        }

        var name = Text(metadata, "name") is { Length: > 0 } podName ? podName : $"{Text(metadata, "generateName")}*";
        return new PodCreation(uid, ns, name, Labels(metadata), Gates(spec));
    }

    /// <summary>The request's uid as far as it can be read, for the answer to a review that is otherwise unreadable.</summary>
    public static string UidOf(JsonNode? review)
    {
        try
        {
            return review?["request"]?["uid"]?.GetValue<string>() ?? "";
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return "";
        }
    }

    /// <summary>The response: always allowed, with the JSON patch when there is one.</summary>
    public static JsonObject Allowed(string uid, JsonArray? patch)
    {
        var response = new JsonObject { ["uid"] = uid, ["allowed"] = true };
        if (patch is { Count: > 0 })
        {
            response["patchType"] = "JSONPatch";
            response["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(patch.ToJsonString()));
        }

        return new JsonObject { ["apiVersion"] = ApiVersion, ["kind"] = "AdmissionReview", ["response"] = response };
    }

    private static ImmutableSortedDictionary<string, string> Labels(JsonObject metadata) =>
        metadata["labels"] switch
        {
            null => ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal),
            JsonObject labels => labels.ToImmutableSortedDictionary(
                label => label.Key,
                label => label.Value is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw new FormatException($"label {label.Key} is not a string"),
                StringComparer.Ordinal),
            _ => throw new FormatException("metadata.labels is not an object"),
        };

    private static ImmutableArray<string> Gates(JsonObject spec) =>
        spec["readinessGates"] switch
        {
            null => [],
            JsonArray gates => [.. gates.Select(gate => gate is JsonObject g && Text(g, "conditionType") is { } type
                ? type
                : throw new FormatException("a readiness gate has no conditionType"))],
            _ => throw new FormatException("spec.readinessGates is not a list"),
        };

    private static string? Text(JsonObject node, string field) =>
        node[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
