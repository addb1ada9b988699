using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Contract;

/// <summary>A registered backend: a pod IP and port, its weight and drain state, and its member cluster.</summary>
public sealed record TargetDto(string Ip, int Port, int Weight, TargetState State, string ClusterId);

/// <summary>Names a target to remove.</summary>
public sealed record TargetKeyDto(string Ip, int Port);

/// <summary>Body of <c>POST .../targets:batch</c>: applied all or nothing.</summary>
public sealed record TargetBatchRequest(IReadOnlyList<TargetDto> Upserts, IReadOnlyList<TargetKeyDto> Removals);
