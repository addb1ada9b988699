using System.Text.Json.Serialization;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Contract;

/// <summary>
/// A load balancer on the wire: <c>LoadBalancer</c> in openapi.yaml. <see cref="Address"/> is the primary address;
/// <see cref="Addresses"/> every address, primary first (one per IP family; absent from a server written before dual
/// stack, which means the one address).
/// </summary>
public sealed record LoadBalancerDto(
    string Id,
    string Name,
    string Address,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<ListenerDto> Listeners,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Addresses = null);

/// <summary>
/// The answer to a find or a list: <see cref="Continue"/> is set when more pages follow (pass it back as the
/// <c>continue</c> query parameter), null on the last page.
/// </summary>
public sealed record LoadBalancerListDto(IReadOnlyList<LoadBalancerDto> Items, string? Continue = null);

/// <summary>
/// Body of <c>POST /v1/loadbalancers</c>; the owner tags in <see cref="Tags"/> decide create or return. <see cref="Address"/>,
/// when set, is the address a load balancer created now must get (the one it has on the other load balancer nodes).
/// <see cref="IpFamilies"/>, when set (only to a server that declares <c>addressFamilies</c>), are the families of the
/// addresses it must get, primary first; <see cref="Address"/> is then the address of its family.
/// </summary>
public sealed record EnsureLoadBalancerRequest(
    string Name,
    IReadOnlyDictionary<string, string> Tags,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Address = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<IpFamily>? IpFamilies = null);

/// <summary>
/// Body of <c>PUT /v1/loadbalancers/{id}/addresses</c>: the families the load balancer's addresses are of from now on
/// (primary first), and optionally the address of one family.
/// </summary>
public sealed record ReaddressLoadBalancerRequest(
    IReadOnlyList<IpFamily> IpFamilies,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Address = null);

/// <summary>Body of <c>PUT /v1/loadbalancers/{id}/address</c>: the address the load balancer serves at from now on.</summary>
public sealed record MoveLoadBalancerRequest(string Address);
