namespace DirectLB.Actors.Domain;

/// <summary>A Service's identity across member clusters: its namespace and name. Also the entity id.</summary>
public readonly record struct ServiceKey(string Namespace, string Name)
{
    public static ServiceKey Parse(string value)
    {
        var slash = value.IndexOf('/');
        if (slash <= 0 || slash == value.Length - 1 || value.IndexOf('/', slash + 1) >= 0)
        {
            throw new FormatException($"'{value}' is not a namespace/name service key");
        }

        return new ServiceKey(value[..slash], value[(slash + 1)..]);
    }

    public override string ToString() => $"{Namespace}/{Name}";
}
