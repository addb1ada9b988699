namespace DirectLB.Providers.Http.Contract;

/// <summary>A load balancer on the wire: <c>LoadBalancer</c> in openapi.yaml.</summary>
public sealed record LoadBalancerDto(
    string Id,
    string Name,
    string Address,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<ListenerDto> Listeners);

/// <summary>The answer to a find: a list, so paging can be added without breaking clients.</summary>
public sealed record LoadBalancerListDto(IReadOnlyList<LoadBalancerDto> Items);

/// <summary>Body of <c>POST /v1/loadbalancers</c>; the owner tags in <see cref="Tags"/> decide create or return.</summary>
public sealed record EnsureLoadBalancerRequest(string Name, IReadOnlyDictionary<string, string> Tags);
