namespace DirectLB.Actors.Planning;

/// <summary>Per-Service settings read from <c>directlb.io/</c> annotations, after validation.</summary>
public sealed record LoadBalancerSettings(string? Name, TimeSpan DrainDelay);
