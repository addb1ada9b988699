namespace DirectLB.Host.Hosting;

/// <summary>Registry key of the "services" shard region.</summary>
public sealed class ServiceRegion;
