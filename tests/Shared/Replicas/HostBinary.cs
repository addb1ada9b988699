namespace DirectLB.Tests.Shared.Replicas;

/// <summary>
/// The Host's own build output (a project that references the Host builds it): run as <c>dotnet directlb.dll</c>,
/// exactly as it ships, with its own dependencies and appsettings.json.
/// </summary>
public static class HostBinary
{
    public static string Path { get; } = Locate();

    private static string Locate()
    {
        // The assembly using this runs from <repository>/<tests or bench>/<project>/bin/<configuration>/<framework>/.
        var framework = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = framework.Parent!;
        var repository = configuration.Parent!.Parent!.Parent!.Parent!;
        var dll = System.IO.Path.Combine(repository.FullName, "src", "Host", "bin", configuration.Name, framework.Name, "directlb.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"the Host is not built at {dll}: dotnet build src/Host");
    }
}
