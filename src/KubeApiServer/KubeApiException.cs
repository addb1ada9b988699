using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer;

/// <summary>
/// A request the API server refuses. Carries exactly what goes into the <c>Status</c> body, so store helpers used
/// directly by tests fail the same way HTTP callers do.
/// </summary>
public sealed class KubeApiException(int code, string reason, string message, JsonObject? details = null)
    : Exception(message)
{
    public int Code { get; } = code;

    /// <summary>The machine-readable <c>StatusReason</c>, e.g. <c>NotFound</c>, <c>Conflict</c>, <c>Expired</c>.</summary>
    public string Reason { get; } = reason;

    /// <summary>The <c>Status</c> object exactly as the real server serializes it.</summary>
    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (details is not null)
        {
            status["details"] = details.DeepClone();
        }
        status["code"] = Code;
        return status;
    }

    public static KubeApiException NotFound(ResourceKind kind, string name) =>
        new(404, "NotFound", $"{kind.QualifiedPlural} \"{name}\" not found", Details(kind, name));

    public static KubeApiException AlreadyExists(ResourceKind kind, string name) =>
        new(409, "AlreadyExists", $"{kind.QualifiedPlural} \"{name}\" already exists", Details(kind, name));

    /// <summary>The optimistic-concurrency failure, worded as the real server words it (clients match on it).</summary>
    public static KubeApiException Conflict(ResourceKind kind, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {kind.QualifiedPlural} \"{name}\": "
            + "the object has been modified; please apply your changes to the latest version and try again",
            Details(kind, name));

    /// <summary>403 as an admission plugin refuses a request, with the <paramref name="cause"/> clients match on (e.g. NamespaceTerminating).</summary>
    public static KubeApiException Forbidden(ResourceKind kind, string name, string why, JsonObject? cause = null)
    {
        var details = Details(kind, name);
        if (cause is not null)
        {
            details["causes"] = new JsonArray(cause);
        }
        return new(403, "Forbidden", $"{kind.QualifiedPlural} \"{name}\" is forbidden: {why}", details);
    }

    /// <summary>422 Invalid, as <c>errors.NewInvalid</c> words it: <c>Service "web" is invalid: ...</c> (the kind with its group, if any).</summary>
    /// <param name="causes">One per error found, when the caller kept them apart.</param>
    public static KubeApiException Invalid(ResourceKind kind, string name, string message, JsonArray? causes = null)
    {
        // errors.NewInvalid names the kind (Service), where the other errors name the resource (services).
        var details = Details(kind, name);
        details["kind"] = kind.Kind;
        if (causes is not null)
        {
            details["causes"] = causes;
        }
        var qualified = kind.Group.Length == 0 ? kind.Kind : $"{kind.Kind}.{kind.Group}";
        return new(422, "Invalid", $"{qualified} \"{name}\" is invalid: {message}", details);
    }

    /// <summary>500 InternalError, as the real server wraps an error it did not expect (an allocator's full range).</summary>
    public static KubeApiException Internal(string message) =>
        new(500, "InternalError", $"Internal error occurred: {message}", new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) });

    public static KubeApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static KubeApiException Expired(string message) => new(410, "Expired", message);

    private static JsonObject Details(ResourceKind kind, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (kind.Group.Length > 0)
        {
            details["group"] = kind.Group;
        }
        details["kind"] = kind.Plural;
        return details;
    }
}
