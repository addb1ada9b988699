using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Patching;
using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Store;

// Create, update, patch and delete: the write rules of the real API server that a controller can observe.
public sealed partial class ObjectStore
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>Creates an object. For namespaced kinds <paramref name="ns"/> wins over the body's namespace and must agree with it if both are set.</summary>
    /// <returns>The stored object with server-set metadata (uid, resourceVersion, creationTimestamp, generation).</returns>
    public JsonObject Create(ResourceKind kind, JsonObject body, string? ns = null)
    {
        var obj = Normalize(kind, body);
        var meta = ObjectMeta.Metadata(obj);
        if (kind.Namespaced)
        {
            var bodyNamespace = ObjectMeta.Namespace(obj);
            if (ns is not null && bodyNamespace is not null && ns != bodyNamespace)
            {
                throw KubeApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
            meta["namespace"] = ns ?? bodyNamespace ?? throw KubeApiException.BadRequest("a namespace is required for " + kind.Plural);
        }
        else
        {
            meta.Remove("namespace");
        }
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        if (kind.HasStatusSubresource)
        {
            // Status is owned by the /status endpoint; the real server resets it on create (to the kind's initial status).
            obj.Remove("status");
            if (kind.InitialStatus is { } initial)
            {
                obj["status"] = JsonNode.Parse(initial);
            }
            meta["generation"] = 1;
        }
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = ObjectMeta.Timestamp(_time.GetUtcNow());

        lock (_lock)
        {
            var objects = Objects(kind);
            var name = ObjectMeta.Name(obj) ?? GenerateName(obj, objects);
            meta["name"] = name;
            var key = ObjectMeta.Key(ObjectMeta.Namespace(obj), name);
            if (objects.ContainsKey(key))
            {
                throw KubeApiException.AlreadyExists(kind, name);
            }
            AdmitCreate(kind, obj);
            if (kind == ResourceTable.Namespaces)
            {
                PrepareNamespace(obj);
            }
            Hooks(kind)?.PrepareForCreate(obj);
            _validation.Check(kind, obj);
            Commit(kind, key, WatchEventTypes.Added, obj, previous: null);
            return (JsonObject)obj.DeepClone();
        }
    }

    /// <summary>
    /// Replaces an object (PUT). On the main resource the status of kinds with a status subresource is kept; with
    /// <paramref name="statusOnly"/> only the status is taken from <paramref name="body"/>. A body resourceVersion
    /// that differs from the stored one fails with 409 Conflict.
    /// </summary>
    public JsonObject Replace(ResourceKind kind, JsonObject body, string? ns = null, bool statusOnly = false)
    {
        var name = ObjectMeta.Name(body) ?? throw KubeApiException.BadRequest("metadata.name is required");
        ns ??= ObjectMeta.Namespace(body);
        if (kind.Namespaced && ObjectMeta.Namespace(body) is { } bodyNamespace && bodyNamespace != ns)
        {
            throw KubeApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        lock (_lock)
        {
            return Update(kind, Current(kind, ns, name), Normalize(kind, body), statusOnly);
        }
    }

    /// <summary>Patches an object; the result goes through the same rules as <see cref="Replace"/>.</summary>
    /// <exception cref="KubeApiException">422 if a JSON patch cannot be applied (including a failed <c>test</c>).</exception>
    public JsonObject Patch(ResourceKind kind, string? ns, string name, PatchType type, JsonNode? patch, bool statusOnly = false)
    {
        lock (_lock)
        {
            var current = Current(kind, ns, name);
            JsonNode? patched;
            try
            {
                patched = type switch
                {
                    PatchType.Json => JsonPatch.Apply(current, patch),
                    PatchType.StrategicMerge => StrategicMergePatch.Apply(current, patch),
                    _ => MergePatch.Apply(current, patch),
                };
            }
            catch (JsonPatchException e)
            {
                throw new KubeApiException(422, "Invalid", e.Message);
            }
            if (patched is not JsonObject body)
            {
                throw KubeApiException.BadRequest("the patch did not produce an object");
            }
            if (ObjectMeta.Name(body) != name || ObjectMeta.Namespace(body) != ObjectMeta.Namespace(current))
            {
                throw KubeApiException.BadRequest("a patch cannot change metadata.name or metadata.namespace");
            }
            return Update(kind, current, Normalize(kind, body), statusOnly);
        }
    }

    /// <summary>
    /// Deletes an object. With finalizers present it is only marked (deletionTimestamp set, MODIFIED) and goes away
    /// once an update empties the finalizers; otherwise it is removed (DELETED). Returns the last state.
    /// </summary>
    /// <param name="preconditionUid">If set, must match the stored uid (409 otherwise).</param>
    /// <param name="preconditionResourceVersion">If set, must match the stored resourceVersion (409 otherwise).</param>
    public JsonObject Delete(ResourceKind kind, string? ns, string name, string? preconditionUid = null, string? preconditionResourceVersion = null)
    {
        lock (_lock)
        {
            var current = Current(kind, ns, name);
            if ((preconditionUid is not null && preconditionUid != ObjectMeta.GetString(current, "uid"))
                || (preconditionResourceVersion is not null && preconditionResourceVersion != ObjectMeta.ResourceVersion(current)))
            {
                throw KubeApiException.Conflict(kind, name);
            }
            if (kind == ResourceTable.Namespaces && DeleteNamespace(current) is { } terminating)
            {
                return terminating;
            }
            if (ObjectMeta.Finalizers(current).Count == 0)
            {
                return Remove(kind, current);
            }
            if (ObjectMeta.IsDeleting(current))
            {
                return (JsonObject)current.DeepClone();
            }
            var next = (JsonObject)current.DeepClone();
            var meta = ObjectMeta.Metadata(next);
            meta["deletionTimestamp"] = ObjectMeta.Timestamp(_time.GetUtcNow());
            meta["deletionGracePeriodSeconds"] = 0;
            if (ObjectMeta.Generation(current) > 0)
            {
                meta["generation"] = ObjectMeta.Generation(current) + 1;
            }
            Commit(kind, KeyOf(current), WatchEventTypes.Modified, next, current);
            return (JsonObject)next.DeepClone();
        }
    }

    private JsonObject Update(ResourceKind kind, JsonObject current, JsonObject body, bool statusOnly)
    {
        var name = ObjectMeta.Name(current)!;
        if (ObjectMeta.ResourceVersion(body) is { Length: > 0 } expected && expected != ObjectMeta.ResourceVersion(current))
        {
            throw KubeApiException.Conflict(kind, name);
        }
        if (statusOnly && !kind.HasStatusSubresource)
        {
            throw KubeApiException.NotFound(kind, name);
        }

        var next = (JsonObject)(statusOnly ? current : body).DeepClone();
        var split = statusOnly ? body : current;
        // The half of the object this endpoint does not own comes from the stored object.
        if (kind.HasStatusSubresource)
        {
            CopyField(split, next, "status");
        }
        if (!statusOnly)
        {
            var meta = ObjectMeta.Metadata(next);
            var currentMeta = ObjectMeta.Metadata(current);
            foreach (var systemField in new[] { "name", "namespace", "uid", "creationTimestamp", "resourceVersion", "generation", "deletionTimestamp", "deletionGracePeriodSeconds" })
            {
                CopyField(currentMeta, meta, systemField);
            }
            CheckNoNewFinalizersWhileDeleting(kind, current, next);
            if (kind.HasStatusSubresource && SpecChanged(current, next))
            {
                meta["generation"] = ObjectMeta.Generation(current) + 1;
            }
        }

        Hooks(kind)?.PrepareForUpdate(current, next, statusOnly);
        if (!statusOnly)
        {
            _validation.Check(kind, next);
        }

        // Like the real server, a write that changes nothing is not a write: no new resourceVersion, no event.
        if (JsonNode.DeepEquals(next, current))
        {
            return (JsonObject)current.DeepClone();
        }
        if (ObjectMeta.IsDeleting(next) && ObjectMeta.Finalizers(next).Count == 0)
        {
            return Remove(kind, next, previous: current);
        }
        Commit(kind, KeyOf(current), WatchEventTypes.Modified, next, current);
        return (JsonObject)next.DeepClone();
    }

    private JsonObject Remove(ResourceKind kind, JsonObject current, JsonObject? previous = null)
    {
        var final = (JsonObject)current.DeepClone();
        var key = KeyOf(current);
        Commit(kind, key, WatchEventTypes.Deleted, final, previous ?? current);
        Objects(kind).Remove(key);
        return (JsonObject)final.DeepClone();
    }

    // Stamps the next revision, stores, records history and fans out to watches. Caller holds the lock.
    private void Commit(ResourceKind kind, string key, string type, JsonObject obj, JsonObject? previous)
    {
        _revision++;
        ObjectMeta.Metadata(obj)["resourceVersion"] = Revision(_revision);
        Objects(kind)[key] = obj;
        Hooks(kind)?.Committed(previous, type == WatchEventTypes.Deleted ? null : obj);
        var change = new WatchEvent(_revision, kind, type, obj, previous);
        _history.Append(change);
        List<WatchSubscription>? lagging = null;
        string? json = null;
        foreach (var subscription in _subscriptions)
        {
            if (!subscription.Deliver(change, ref json))
            {
                (lagging ??= []).Add(subscription);
            }
        }
        foreach (var subscription in lagging ?? [])
        {
            DropLagging(subscription);
        }
    }

    private JsonObject Current(ResourceKind kind, string? ns, string name) =>
        Objects(kind).TryGetValue(ObjectMeta.Key(ScopeNamespace(kind, ns), name), out var obj)
            ? obj
            : throw KubeApiException.NotFound(kind, name);

    private static string KeyOf(JsonObject obj) => ObjectMeta.Key(ObjectMeta.Namespace(obj), ObjectMeta.Name(obj)!);

    // A private copy of the body with kind and apiVersion filled in; the real server infers both from the URL.
    private static JsonObject Normalize(ResourceKind kind, JsonObject body)
    {
        var bodyKind = body["kind"]?.GetValue<string>();
        var bodyApiVersion = body["apiVersion"]?.GetValue<string>();
        if ((bodyKind is { Length: > 0 } && bodyKind != kind.Kind) || (bodyApiVersion is { Length: > 0 } && bodyApiVersion != kind.ApiVersion))
        {
            throw KubeApiException.BadRequest($"the object is a {bodyApiVersion} {bodyKind}, but this endpoint serves {kind.ApiVersion} {kind.Kind}");
        }
        var obj = (JsonObject)body.DeepClone();
        obj["kind"] = kind.Kind;
        obj["apiVersion"] = kind.ApiVersion;
        ObjectMeta.Metadata(obj);
        return obj;
    }

    private static string GenerateName(JsonObject obj, SortedDictionary<string, JsonObject> objects)
    {
        var prefix = ObjectMeta.GetString(obj, "generateName")
            ?? throw new KubeApiException(422, "Invalid", "metadata.name: Required value: name or generateName is required");
        while (true)
        {
            var name = prefix + string.Concat(Enumerable.Range(0, 5).Select(_ => GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)]));
            if (!objects.ContainsKey(ObjectMeta.Key(ObjectMeta.Namespace(obj), name)))
            {
                return name;
            }
        }
    }

    private static void CheckNoNewFinalizersWhileDeleting(ResourceKind kind, JsonObject current, JsonObject next)
    {
        if (!ObjectMeta.IsDeleting(current))
        {
            return;
        }
        var added = ObjectMeta.Finalizers(next).Except(ObjectMeta.Finalizers(current)).ToList();
        if (added.Count > 0)
        {
            throw KubeApiException.Invalid(kind, ObjectMeta.Name(current)!,
                "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, "
                + $"found new finalizers []string{{\"{string.Join("\", \"", added)}\"}}");
        }
    }

    // "Spec" here is everything but metadata and status, so kinds without a spec field (e.g. data) count too.
    private static bool SpecChanged(JsonObject current, JsonObject next)
    {
        var ignored = new HashSet<string> { "metadata", "status", "kind", "apiVersion" };
        var keys = current.Select(p => p.Key).Concat(next.Select(p => p.Key)).Where(k => !ignored.Contains(k)).Distinct();
        return keys.Any(k => !JsonNode.DeepEquals(current[k], next[k]));
    }

    private static void CopyField(JsonObject from, JsonObject to, string field)
    {
        if (from[field] is { } value)
        {
            to[field] = value.DeepClone();
        }
        else
        {
            to.Remove(field);
        }
    }
}
