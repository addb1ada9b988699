using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Patching;
using DirectLB.KubeApiServer.Printing;
using DirectLB.KubeApiServer.Resources;
using DirectLB.KubeApiServer.Selectors;
using DirectLB.KubeApiServer.Store;
using Microsoft.AspNetCore.Http;

namespace DirectLB.KubeApiServer.Http;

/// <summary>Maps the REST verbs on a resource URL onto <see cref="ObjectStore"/> operations.</summary>
internal sealed class ResourceHandler(ObjectStore store, WatchStream watches)
{
    public async Task HandleAsync(HttpContext context, ApiRequestPath path, string body, CancellationToken dropWatches, CancellationToken killWatches)
    {
        var method = context.Request.Method;
        var query = context.Request.Query;
        var kind = path.Kind;
        // Tables are for reading: a write answers with the object, as on the real server.
        var table = method == "GET" && !path.Status ? TableRequest.From(context.Request) : null;
        var result = (method, path.IsCollection) switch
        {
            ("GET", true) when IsWatch(path, query) => null,
            ("GET", true) => ListDocument(path, query, table),
            // Namespaced kinds are created through their namespace's URL only, as on the real server.
            ("POST", true) when !kind.Namespaced || path.Namespace is not null => store.Create(kind, ParseObject(body), path.Namespace),
            ("GET", false) => store.Get(kind, path.Namespace, path.Name!) is { } found && (!path.Status || kind.HasStatusSubresource)
                ? table is null ? found : Table(kind, [found], table, new JsonObject { ["resourceVersion"] = found["metadata"]?["resourceVersion"]?.DeepClone() })
                : throw KubeApiException.NotFound(kind, path.Name!),
            ("PUT", false) => store.Replace(kind, WithName(ParseObject(body), path.Name!), path.Namespace, path.Status),
            ("PATCH", false) => store.Patch(kind, path.Namespace, path.Name!, PatchTypeOf(context), ParseJson(body), path.Status),
            ("DELETE", false) when !path.Status => Delete(path, body),
            _ => throw new KubeApiException(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource"),
        };
        if (result is null)
        {
            await watches.RunAsync(context, WatchRequestFor(path, query, table), dropWatches, killWatches);
            return;
        }
        await HttpResponses.WriteJsonAsync(context, method == "POST" ? 201 : 200, result, table?.ContentType);
    }

    private JsonObject Table(ResourceKind kind, IEnumerable<JsonObject> items, TableRequest table, JsonObject metadata) =>
        TableDocument.For(kind, items, table.ApiVersion, table.Include, metadata, store.Time.GetUtcNow());

    private static bool IsWatch(ApiRequestPath path, IQueryCollection query) =>
        path.LegacyWatch || query["watch"].ToString() is "true" or "1";

    private JsonObject ListDocument(ApiRequestPath path, IQueryCollection query, TableRequest? table)
    {
        var limit = query["limit"].ToString() is { Length: > 0 } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw KubeApiException.BadRequest($"invalid limit: {text}")
            : (int?)null;
        var result = store.List(path.Kind, new ListQuery(FilterFor(path, query), limit, query["continue"].ToString()));
        var metadata = new JsonObject { ["resourceVersion"] = result.ResourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (result.Continue is not null)
        {
            metadata["continue"] = result.Continue;
        }
        if (table is not null)
        {
            return Table(path.Kind, result.Items, table, metadata);
        }
        return new JsonObject
        {
            ["kind"] = path.Kind.ListKind,
            ["apiVersion"] = path.Kind.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray(result.Items.Cast<JsonNode>().ToArray()),
        };
    }

    private WatchRequest WatchRequestFor(ApiRequestPath path, IQueryCollection query, TableRequest? table)
    {
        var timeout = query["timeoutSeconds"].ToString() is { Length: > 0 } seconds
            && int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0
                ? TimeSpan.FromSeconds(s)
                : (TimeSpan?)null;
        var filter = FilterFor(path, query);
        if (path.LegacyWatch && path.Name is not null)
        {
            // The deprecated ".../watch/{plural}/{name}" form watches one object by name.
            filter = filter with { Fields = FieldSelector.Parse($"metadata.name={path.Name}", path.Kind) };
        }
        return new WatchRequest(path.Kind, filter, query["resourceVersion"].ToString(), query["allowWatchBookmarks"].ToString() is "true" or "1", timeout)
        {
            Transform = table is null ? null : line => TableWatchEvent(path.Kind, line, table),
        };
    }

    /// <summary>
    /// A watch event whose object becomes a table of that one object, as the real server streams to a client that
    /// asked for tables (<c>kubectl get -w</c>); a bookmark becomes an empty table at its resource version.
    /// </summary>
    private string TableWatchEvent(ResourceKind kind, string line, TableRequest table)
    {
        var watchEvent = JsonNode.Parse(line)!.AsObject();
        if (watchEvent["object"] is not JsonObject obj || watchEvent["type"]?.GetValue<string>() == WatchEventTypes.Error)
        {
            return line;
        }
        var metadata = new JsonObject { ["resourceVersion"] = obj["metadata"]?["resourceVersion"]?.DeepClone() };
        var bookmark = watchEvent["type"]?.GetValue<string>() == WatchEventTypes.Bookmark;
        watchEvent["object"] = Table(kind, bookmark ? [] : [obj], table, metadata);
        return watchEvent.ToJsonString();
    }

    private static ObjectFilter FilterFor(ApiRequestPath path, IQueryCollection query) => new(
        path.Namespace,
        LabelSelector.Parse(query["labelSelector"].ToString()),
        FieldSelector.Parse(query["fieldSelector"].ToString(), path.Kind));

    private JsonObject Delete(ApiRequestPath path, string body)
    {
        // The body, if any, is a DeleteOptions; only its preconditions affect the outcome here.
        var preconditions = body.Length > 0 ? ParseObject(body)["preconditions"] as JsonObject : null;
        return store.Delete(path.Kind, path.Namespace, path.Name!,
            preconditions?["uid"]?.GetValue<string>(), preconditions?["resourceVersion"]?.GetValue<string>());
    }

    private static PatchType PatchTypeOf(HttpContext context) =>
        PatchTypes.FromContentType(context.Request.ContentType)
            ?? throw new KubeApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json");

    private static JsonObject WithName(JsonObject obj, string name)
    {
        var meta = obj["metadata"] as JsonObject ?? new JsonObject();
        obj["metadata"] = meta;
        var bodyName = meta["name"]?.GetValue<string>();
        if (bodyName is null)
        {
            meta["name"] = name;
        }
        else if (bodyName != name)
        {
            throw KubeApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
        return obj;
    }

    private static JsonObject ParseObject(string body) =>
        ParseJson(body) as JsonObject ?? throw KubeApiException.BadRequest("the request body must be a JSON object");

    private static JsonNode? ParseJson(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw KubeApiException.BadRequest($"invalid JSON in request body: {e.Message}");
        }
    }
}
