namespace DirectLB.Providers.Http.Contract;

/// <summary>The REST contract as its OpenAPI document (openapi.yaml), embedded in this assembly.</summary>
public static class ContractDocument
{
    public const string MediaType = "application/yaml";

    private const string ResourceName = "DirectLB.Providers.Http.openapi.yaml";

    public static string OpenApiYaml { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(ContractDocument).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource {ResourceName} is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
