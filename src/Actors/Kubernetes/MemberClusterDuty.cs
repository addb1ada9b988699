namespace DirectLB.Actors.Kubernetes;

/// <summary>What a <see cref="MemberClusterManager"/> does with the member clusters it follows.</summary>
public enum MemberClusterDuty
{
    /// <summary>Runs one watcher per member cluster. Exactly one manager in the Akka cluster has it: a cluster singleton.</summary>
    Watch,

    /// <summary>Holds the Kubernetes clients this replica's entities write with. Every replica has one.</summary>
    Write,
}
