using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Store;

public sealed record ObjectStoreOptions
{
    /// <summary>Which kinds exist. Defaults to <see cref="ResourceTable.CreateDefault"/>.</summary>
    public ResourceTable? Resources { get; init; }

    /// <summary>How many events the history keeps for resuming watches; older resource versions get 410 Expired.</summary>
    public int HistoryCapacity { get; init; } = 10_000;

    /// <summary>Source of creation and deletion timestamps.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
