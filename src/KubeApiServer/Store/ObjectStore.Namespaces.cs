using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Store;

// The namespace lifecycle a controller meets on a real cluster: the namespaces every cluster starts with, new content
// only in a namespace that exists and is not being deleted (the NamespaceLifecycle admission plugin), and a deleted
// namespace that stays Terminating while its spec.finalizers (the namespace controller's) are there.
public sealed partial class ObjectStore
{
    /// <summary>The namespaces kube-apiserver creates at start.</summary>
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    private static readonly HashSet<string> Undeletable = ["default", "kube-system", "kube-public"];

    private bool ServesNamespaces => _objects.ContainsKey(ResourceTable.Namespaces);

    private void CreateSystemNamespaces()
    {
        foreach (var name in SystemNamespaces)
        {
            Create(ResourceTable.Namespaces, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });
        }
    }

    // A namespace gets the namespace controller's finalizer, which a real cluster removes once the namespace is empty.
    private static void PrepareNamespace(JsonObject ns)
    {
        if (ns["spec"]?["finalizers"] is null)
        {
            ns["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
        }
    }

    // Caller holds the lock.
    private void AdmitCreate(ResourceKind kind, JsonObject obj)
    {
        if (!kind.Namespaced || !ServesNamespaces)
        {
            return;
        }
        var ns = ObjectMeta.Namespace(obj)!;
        if (!Objects(ResourceTable.Namespaces).TryGetValue(ObjectMeta.Key(null, ns), out var found))
        {
            throw KubeApiException.NotFound(ResourceTable.Namespaces, ns);
        }
        if (IsTerminating(found))
        {
            throw KubeApiException.Forbidden(kind, ObjectMeta.Name(obj)!,
                $"unable to create new content in namespace {ns} because it is being terminated",
                new JsonObject { ["reason"] = "NamespaceTerminating", ["message"] = $"namespace {ns} is being terminated", ["field"] = "metadata.namespace" });
        }
    }

    // Deleting a namespace marks it Terminating while it has spec.finalizers; the three a cluster needs refuse. Caller holds the lock.
    private JsonObject? DeleteNamespace(JsonObject current)
    {
        var name = ObjectMeta.Name(current)!;
        if (Undeletable.Contains(name))
        {
            throw KubeApiException.Forbidden(ResourceTable.Namespaces, name, "this namespace may not be deleted");
        }
        if (current["spec"]?["finalizers"] is not JsonArray { Count: > 0 })
        {
            return null;
        }
        if (IsTerminating(current))
        {
            return (JsonObject)current.DeepClone();
        }
        var next = (JsonObject)current.DeepClone();
        ObjectMeta.Metadata(next)["deletionTimestamp"] = ObjectMeta.Timestamp(_time.GetUtcNow());
        next["status"] = new JsonObject { ["phase"] = "Terminating" };
        Commit(ResourceTable.Namespaces, KeyOf(current), WatchEventTypes.Modified, next, current);
        return (JsonObject)next.DeepClone();
    }

    private static bool IsTerminating(JsonObject ns) => ns["status"]?["phase"]?.GetValue<string>() == "Terminating";
}
