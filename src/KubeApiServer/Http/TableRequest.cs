using DirectLB.KubeApiServer.Printing;
using Microsoft.AspNetCore.Http;

namespace DirectLB.KubeApiServer.Http;

/// <summary>
/// A request for a server-side table: an Accept header whose first table media range names a version this server
/// prints (<c>application/json;as=Table;v=v1;g=meta.k8s.io</c>, or <c>v1beta1</c>), and what each row should carry.
/// </summary>
internal sealed record TableRequest(string ApiVersion, IncludeObject Include)
{
    /// <summary>The Content-Type of a table answer, as the real server sends it.</summary>
    public string ContentType => $"application/json;as=Table;v={ApiVersion["meta.k8s.io/".Length..]};g=meta.k8s.io";

    /// <returns>The table asked for, or null when the client wants the objects themselves.</returns>
    /// <exception cref="KubeApiException">400 for an <c>includeObject</c> value the server does not know.</exception>
    public static TableRequest? From(HttpRequest request)
    {
        foreach (var range in request.Headers.Accept.SelectMany(h => (h ?? "").Split(',')))
        {
            var parameters = range.Split(';').Skip(1)
                .Select(p => p.Split('=', 2))
                .Where(p => p.Length == 2)
                .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
            if (parameters.GetValueOrDefault("as") == "Table" && parameters.GetValueOrDefault("g") == "meta.k8s.io"
                && parameters.GetValueOrDefault("v") is "v1" or "v1beta1")
            {
                return new TableRequest($"meta.k8s.io/{parameters["v"]}", IncludeFrom(request.Query["includeObject"].ToString()));
            }
        }

        return null;
    }

    private static IncludeObject IncludeFrom(string value) => value switch
    {
        "" or "Metadata" => IncludeObject.Metadata,
        "None" => IncludeObject.None,
        "Object" => IncludeObject.Object,
        _ => throw KubeApiException.BadRequest($"includeObject must be None, Metadata or Object, not {value}"),
    };
}
