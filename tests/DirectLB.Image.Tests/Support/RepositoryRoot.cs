namespace DirectLB.Image.Tests.Support;

/// <summary>The repository the tests run from: they publish its Host and read its Dockerfile and chart.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "Actors.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no repository root above {AppContext.BaseDirectory}");
    }
}
