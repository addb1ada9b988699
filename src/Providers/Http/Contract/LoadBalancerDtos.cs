using System.Text.Json.Serialization;

namespace DirectLB.Providers.Http.Contract;

/// <summary>A load balancer on the wire: <c>LoadBalancer</c> in openapi.yaml.</summary>
public sealed record LoadBalancerDto(
    string Id,
    string Name,
    string Address,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<ListenerDto> Listeners);

/// <summary>
/// The answer to a find or a list: <see cref="Continue"/> is set when more pages follow (pass it back as the
/// <c>continue</c> query parameter), null on the last page.
/// </summary>
public sealed record LoadBalancerListDto(IReadOnlyList<LoadBalancerDto> Items, string? Continue = null);

/// <summary>
/// Body of <c>POST /v1/loadbalancers</c>; the owner tags in <see cref="Tags"/> decide create or return. <see cref="Address"/>,
/// when set, is the address a load balancer created now must get (the one it has on the other load balancer nodes).
/// </summary>
public sealed record EnsureLoadBalancerRequest(
    string Name,
    IReadOnlyDictionary<string, string> Tags,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Address = null);

/// <summary>Body of <c>PUT /v1/loadbalancers/{id}/address</c>: the address the load balancer serves at from now on.</summary>
public sealed record MoveLoadBalancerRequest(string Address);
