namespace DirectLB.Actors.Kubernetes;

/// <summary>What an informer reports to its owner, in the order it happened.</summary>
public abstract record InformerEvent<T>(string Resource);

/// <summary>The object was added or changed (also replayed after a relist for what changed meanwhile).</summary>
public sealed record ObjectUpserted<T>(string Resource, T Object) : InformerEvent<T>(Resource);

/// <summary>The object is gone (also reported after a relist for what vanished meanwhile).</summary>
public sealed record ObjectDeleted<T>(string Resource, T Object) : InformerEvent<T>(Resource);

/// <summary>A full list was applied: the cache equals the server's state at that resourceVersion.</summary>
public sealed record InformerSynced<T>(string Resource, string ResourceVersion, int Count) : InformerEvent<T>(Resource);

/// <summary>The API server could not be reached or answered an error; the informer backs off and retries.</summary>
public sealed record InformerDisconnected<T>(string Resource, string Error, TimeSpan RetryIn) : InformerEvent<T>(Resource);
