using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Store;

namespace DirectLB.KubeApiServer.EndpointSlices;

/// <summary>
/// What the real server does to an EndpointSlice on its way in besides validation: <c>SetDefaults_EndpointPort</c>
/// (pkg/apis/discovery/v1/defaults.go), a port without a name gets the empty name and one without a protocol TCP.
/// </summary>
internal sealed class EndpointSliceRegistry : IWriteHooks
{
    public void PrepareForCreate(JsonObject obj) => ApplyDefaults(obj);

    public void PrepareForUpdate(JsonObject current, JsonObject next, bool statusOnly) => ApplyDefaults(next);

    public void Committed(JsonObject? previous, JsonObject? stored)
    {
    }

    private static void ApplyDefaults(JsonObject slice)
    {
        foreach (var port in (slice["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port["name"] ??= "";
            port["protocol"] ??= "TCP";
        }
    }
}
