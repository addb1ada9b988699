namespace DirectLB.EndToEnd.Tests.Support;

/// <summary>
/// Tests that read the process's Prometheus metrics run alone: the metrics are static, shared by every host in the test
/// process, and a host of another test that stops meanwhile removes its member cluster's series (a watcher removes
/// <c>directlb_watcher_connected{cluster}</c> when it stops, as it must in production), which is also "east" there.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMetricsCollection
{
    public const string Name = "Process metrics";
}
