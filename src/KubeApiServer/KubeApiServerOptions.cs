using DirectLB.KubeApiServer.Store;

namespace DirectLB.KubeApiServer;

public sealed record KubeApiServerOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one. Pass a previous server's port to restart "the same cluster".</summary>
    public int Port { get; init; }

    /// <summary>The cluster state to serve; a new empty store if null. Pass a previous server's store to keep the data across a restart.</summary>
    public ObjectStore? Store { get; init; }

    /// <summary>How often a watch with <c>allowWatchBookmarks=true</c> receives a BOOKMARK.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many of the most recent requests <see cref="KubeApiServer.Requests"/> keeps. Older ones are dropped, so a
    /// server that runs for hours (the sandbox) or serves tens of thousands of writes (the bench) does not grow
    /// without bound for a record nobody reads.
    /// </summary>
    public int RequestLogCapacity { get; init; } = 50_000;
}
