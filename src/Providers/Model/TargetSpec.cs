namespace DirectLB.Providers.Model;

/// <summary>A backend is a pod IP and the port it serves this listener on.</summary>
public readonly record struct TargetKey(string Address, int Port) : IComparable<TargetKey>
{
    public int CompareTo(TargetKey other)
    {
        var byAddress = string.CompareOrdinal(Address, other.Address);
        return byAddress != 0 ? byAddress : Port.CompareTo(other.Port);
    }

    public override string ToString() => Address.Contains(':') ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}

public enum TargetState
{
    /// <summary>Takes new connections.</summary>
    Serving,

    /// <summary>Takes no new connections; existing ones finish.</summary>
    Draining,
}

/// <summary>A value that names the target it is about: what a collection kept by target key reads its key from.</summary>
public interface IKeyedByTarget
{
    TargetKey Key { get; }
}

/// <summary>A registered backend. <see cref="ClusterId"/> says which member cluster its pod runs in.</summary>
public sealed record TargetSpec(TargetKey Key, int Weight, TargetState State, string ClusterId) : IKeyedByTarget;
