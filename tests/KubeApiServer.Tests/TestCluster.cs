using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Typed;
using k8s;
using k8s.Models;

namespace DirectLB.KubeApiServer.Tests;

/// <summary>A running server plus a real KubernetesClient configured from the kubeconfig the server writes.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly string _directory;

    private TestCluster(KubeApiServer server, string directory)
    {
        Server = server;
        _directory = directory;
        Client = NewClient();
    }

    /// <summary>The namespaces the tests write in besides <c>default</c>, created at start as a cluster's users would have.</summary>
    public static readonly string[] Namespaces = ["a", "b", "c", "other"];

    public KubeApiServer Server { get; private set; }

    public Kubernetes Client { get; }

    public static async Task<TestCluster> StartAsync(KubeApiServerOptions? options = null)
    {
        var directory = Directory.CreateTempSubdirectory("kubeapi-test-").FullName;
        var server = await KubeApiServer.StartAsync(options);
        server.Store.EnsureNamespaces(Namespaces);
        return new TestCluster(server, directory);
    }

    /// <summary>A fresh client from the server's kubeconfig, exactly as the controller would build one.</summary>
    public Kubernetes NewClient()
    {
        var path = Server.WriteKubeconfig(Path.Combine(_directory, $"kubeconfig-{Guid.NewGuid():N}"));
        return new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
    }

    /// <summary>Stops the server and starts a new one on the same port with the same store.</summary>
    public async Task RestartAsync(Func<Task>? whileDown = null)
    {
        var port = Server.Port;
        var store = Server.Store;
        await Server.DisposeAsync();
        if (whileDown is not null)
        {
            await whileDown();
        }
        Server = await KubeApiServer.StartAsync(new KubeApiServerOptions { Port = port, Store = store });
    }

    public static V1Service Service(string ns, string name, IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1ServiceSpec
        {
            Type = "LoadBalancer",
            Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" }],
        },
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
