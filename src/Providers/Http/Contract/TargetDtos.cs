using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Contract;

/// <summary>
/// A registered backend: a pod IP and port, its weight and drain state, and its member cluster. <see cref="Health"/>
/// is what the load balancer's own checks say of it; servers report it, clients never send it (it is ignored).
/// </summary>
public sealed record TargetDto(string Ip, int Port, int Weight, TargetState State, string ClusterId, TargetHealth? Health = null);

/// <summary>Names a target to remove.</summary>
public sealed record TargetKeyDto(string Ip, int Port);

/// <summary>Body of <c>POST .../targets:batch</c>: applied all or nothing.</summary>
public sealed record TargetBatchRequest(IReadOnlyList<TargetDto> Upserts, IReadOnlyList<TargetKeyDto> Removals);
