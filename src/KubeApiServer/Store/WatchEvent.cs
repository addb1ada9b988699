using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Store;

/// <summary>Watch event types on the wire.</summary>
public static class WatchEventTypes
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";
}

/// <summary>
/// One committed write, as kept in the history. <see cref="Previous"/> is the state before the write; it lets a
/// selector-filtered watch turn a MODIFIED into ADDED/DELETED when the object enters or leaves the selection, and
/// lets a paginated list reconstruct the state as of its first page.
/// </summary>
/// <remarks>Both objects are owned by the store and never mutated after the write; read them only under the store lock.</remarks>
internal sealed record WatchEvent(long ResourceVersion, ResourceKind Kind, string Type, JsonObject Object, JsonObject? Previous);
