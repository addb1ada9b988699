using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Patching;
using DirectLB.KubeApiServer.Selectors;
using DirectLB.KubeApiServer.Store;
using k8s;
using k8s.Models;

namespace DirectLB.KubeApiServer.Typed;

/// <summary>
/// KubernetesClient-model overloads of the store operations, for arranging and asserting in tests. Models are
/// converted with <see cref="KubernetesJson"/>, the client's own serializer, so what a test writes is exactly what
/// the controller would read over HTTP. The kind is taken from the model type's <see cref="KubernetesEntityAttribute"/>.
/// </summary>
public static class ObjectStoreTypedExtensions
{
    public static T Create<T>(this ObjectStore store, T obj) where T : IKubernetesObject<V1ObjectMeta> =>
        FromJson<T>(store.Create(store.Resources.For(typeof(T)), ToJson(obj)));

    /// <summary>Creates each namespace that does not exist yet: a real cluster refuses content in a namespace it lacks.</summary>
    public static void EnsureNamespaces(this ObjectStore store, params string[] names)
    {
        foreach (var name in names.Where(n => store.Get<V1Namespace>(null, n) is null))
        {
            store.Create(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = name } });
        }
    }

    /// <summary>Replaces the object (PUT on the main resource); status is kept for kinds with a status subresource.</summary>
    public static T Replace<T>(this ObjectStore store, T obj) where T : IKubernetesObject<V1ObjectMeta> =>
        FromJson<T>(store.Replace(store.Resources.For(typeof(T)), ToJson(obj)));

    /// <summary>Replaces only the status (PUT on <c>/status</c>).</summary>
    public static T ReplaceStatus<T>(this ObjectStore store, T obj) where T : IKubernetesObject<V1ObjectMeta> =>
        FromJson<T>(store.Replace(store.Resources.For(typeof(T)), ToJson(obj), statusOnly: true));

    public static T Patch<T>(this ObjectStore store, string? ns, string name, PatchType type, string patchJson, bool statusOnly = false)
        where T : IKubernetesObject<V1ObjectMeta> =>
        FromJson<T>(store.Patch(store.Resources.For(typeof(T)), ns, name, type, JsonNode.Parse(patchJson), statusOnly));

    public static T Delete<T>(this ObjectStore store, string? ns, string name) where T : IKubernetesObject<V1ObjectMeta> =>
        FromJson<T>(store.Delete(store.Resources.For(typeof(T)), ns, name));

    public static T? Get<T>(this ObjectStore store, string? ns, string name) where T : class, IKubernetesObject<V1ObjectMeta> =>
        store.Get(store.Resources.For(typeof(T)), ns, name) is { } obj ? FromJson<T>(obj) : null;

    /// <summary>Lists objects of a kind, optionally within one namespace and filtered by selectors in their string form.</summary>
    public static IReadOnlyList<T> List<T>(this ObjectStore store, string? ns = null, string? labelSelector = null, string? fieldSelector = null)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var kind = store.Resources.For(typeof(T));
        var filter = new ObjectFilter(ns, LabelSelector.Parse(labelSelector), FieldSelector.Parse(fieldSelector, kind));
        return store.List(kind, new ListQuery(filter)).Items.Select(FromJson<T>).ToList();
    }

    /// <summary>Core v1 events whose involvedObject is the named object (and of <paramref name="kind"/>, if given), oldest first.</summary>
    public static IReadOnlyList<Corev1Event> CoreEventsFor(this ObjectStore store, string? ns, string name, string? kind = null) =>
        store.List<Corev1Event>()
            .Where(e => e.InvolvedObject?.Name == name
                && (ns is null || e.InvolvedObject.NamespaceProperty == ns)
                && (kind is null || e.InvolvedObject.Kind == kind))
            .OrderBy(e => long.Parse(e.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

    /// <summary>events.k8s.io/v1 events whose regarding object is the named object (and of <paramref name="kind"/>, if given), oldest first.</summary>
    public static IReadOnlyList<Eventsv1Event> EventsFor(this ObjectStore store, string? ns, string name, string? kind = null) =>
        store.List<Eventsv1Event>()
            .Where(e => e.Regarding?.Name == name
                && (ns is null || e.Regarding.NamespaceProperty == ns)
                && (kind is null || e.Regarding.Kind == kind))
            .OrderBy(e => long.Parse(e.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

    public static JsonObject ToJson<T>(T obj) =>
        JsonNode.Parse(KubernetesJson.Serialize(obj)) as JsonObject
            ?? throw new ArgumentException("the model did not serialize to a JSON object", nameof(obj));

    public static T FromJson<T>(JsonObject obj) => KubernetesJson.Deserialize<T>(obj.ToJsonString());
}
