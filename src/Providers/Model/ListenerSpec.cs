namespace DirectLB.Providers.Model;

/// <summary>A listener is identified by its protocol and front port.</summary>
public readonly record struct ListenerKey(TransportProtocol Protocol, int Port)
{
    public override string ToString() => $"{Protocol.ToString().ToUpperInvariant()}/{Port}";
}

/// <summary>What a listener should look like. <see cref="Name"/> is the Service port's name, for humans.</summary>
public sealed record ListenerSpec(ListenerKey Key, string Name);
