using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Validation;

/// <summary>
/// What the real server refuses in an object's contents once its defaults and allocated values are in (the
/// registries' <c>Validate</c> step): the metadata of every kind, and the spec of the kinds DirectLB reads, Services and
/// EndpointSlices. Every error found is reported at once, in one 422 Invalid.
/// </summary>
internal sealed class ObjectValidation(bool loopbackEndpoints)
{
    public void Check(ResourceKind kind, JsonObject stored)
    {
        // The rules read a copy: reading a parsed JSON node builds its children, and an object left as parsed stays one
        // compact JsonElement in the store and its history (a busy server keeps hundreds of thousands), while its copy
        // is garbage at once. A part left as parsed is copied as its JSON, without building it.
        var obj = (JsonObject)stored.DeepClone();
        var errors = new FieldErrors();
        ObjectMetaRules.Check(errors, kind, obj);
        if (kind == ResourceTable.Services)
        {
            ServiceRules.Check(errors, obj);
        }
        else if (kind == ResourceTable.EndpointSlices)
        {
            EndpointSliceRules.Check(errors, obj, loopbackEndpoints);
        }
        errors.ThrowIfAny(kind, obj["metadata"]?["name"]?.GetValue<string>() ?? "");
    }
}
