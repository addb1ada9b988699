using System.Text.Json.Nodes;

namespace DirectLB.KubeApiServer.Store;

/// <summary>
/// What one kind's registry adds to the store's generic write rules, as the real server's REST storage for that kind
/// does (defaults, allocated values). The store calls it under its lock: before a write is stored (it may change the
/// object, or refuse it with a <see cref="KubeApiException"/>, and nothing is stored), and once a change is stored.
/// </summary>
internal interface IWriteHooks
{
    void PrepareForCreate(JsonObject obj);

    /// <param name="statusOnly">A write to the status subresource: <paramref name="next"/> holds the stored spec.</param>
    void PrepareForUpdate(JsonObject current, JsonObject next, bool statusOnly);

    /// <summary>A change was stored: <paramref name="previous"/> is gone (null on create), <paramref name="stored"/> is now (null when removed).</summary>
    void Committed(JsonObject? previous, JsonObject? stored);
}
