namespace DirectLB.KubeApiServer.Printing;

/// <summary>
/// One column of a server-side table (<c>meta.k8s.io/v1</c> <c>TableColumnDefinition</c>). Columns of priority 1
/// are those kubectl shows only with <c>-o wide</c>.
/// </summary>
public sealed record TableColumn(string Name, string Type, string Description, int Priority = 0, string Format = "")
{
    public static TableColumn Name_ { get; } = new("Name", "string", "Name must be unique within a namespace.", Format: "name");

    public static TableColumn Age { get; } = new("Age", "string", "CreationTimestamp: when the object was created.");
}
