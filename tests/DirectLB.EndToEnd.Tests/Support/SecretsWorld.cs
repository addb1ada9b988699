using System.Security.Cryptography;
using System.Text;
using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.Simulated;
using DirectLB.Providers.Simulated.Server;
using DirectLB.Tests.Shared.Replicas;
using k8s.Models;

namespace DirectLB.EndToEnd.Tests.Support;

/// <summary>
/// Everything a production DirectLB holds secret, seeded with unguessable values: the member cluster's kubeconfig
/// bearer token, the token in a member-cluster Secret's kubeconfig, the HTTP provider's bearer token and the journal
/// connection string's password. Around them, all on loopback: the home cluster "east" (an API test server whose
/// Secrets also register members), the member cluster "west" (registered through a Secret), the simulated cloud behind
/// the HTTP provider (which checks its token) and a private PostgreSQL journal (trust auth: any password connects).
/// </summary>
public sealed class SecretsWorld : IAsyncDisposable
{
    private readonly SimulatedProvider _provider = new();
    private readonly int _cloudPort = FreePort.Next();

    private SecretsWorld(PostgresServer postgres, KubeApiServer.KubeApiServer east, KubeApiServer.KubeApiServer west)
    {
        Postgres = postgres;
        East = east;
        West = west;
    }

    public string Work { get; } = Directory.CreateTempSubdirectory("directlb-secrets-").FullName;

    public string KubeconfigToken { get; } = Secret("kubeconfig-token");

    public string MemberSecretToken { get; } = Secret("member-secret-token");

    public string ProviderToken { get; } = Secret("provider-token");

    public string JournalPassword { get; } = Secret("journal-password");

    /// <summary>A password in a server URL (user:password@host): in the member Secret's kubeconfig, and in a refused provider URL.</summary>
    public string UrlPassword { get; } = Secret("url-password");

    /// <summary>Each seeded secret, and the forms it travels in (the Secret's data is base64 in the API).</summary>
    public IReadOnlyDictionary<string, string> Secrets => new Dictionary<string, string>
    {
        ["kubeconfig bearer token"] = KubeconfigToken,
        ["member-cluster Secret token"] = MemberSecretToken,
        ["member-cluster Secret, base64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(WestKubeconfig)),
        ["HTTP provider bearer token"] = ProviderToken,
        ["journal connection string password"] = JournalPassword,
        ["password in a URL"] = UrlPassword,
    };

    public PostgresServer Postgres { get; }

    public KubeApiServer.KubeApiServer East { get; }

    public KubeApiServer.KubeApiServer West { get; private set; }

    public SimulatedCloudServer Cloud { get; private set; } = null!;

    public SimulatedProvider Provider => _provider;

    /// <summary>The member cluster's kubeconfig as the Secret holds it, with its own token.</summary>
    private string WestKubeconfig { get; set; } = "";

    public static async Task<SecretsWorld> StartAsync()
    {
        var postgres = await PostgresServer.StartAsync();
        var east = await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        var west = await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        east.Store.EnsureNamespaces("directlb", KubeObjects.Namespace);
        west.Store.EnsureNamespaces(KubeObjects.Namespace);
        var world = new SecretsWorld(postgres, east, west);
        await world.StartCloudAsync();
        var westKubeconfig = WithToken(west.WriteKubeconfig(Path.Combine(world.Work, "west.kubeconfig")), world.MemberSecretToken);
        world.WestKubeconfig = File.ReadAllText(westKubeconfig).Replace("server: http://", $"server: http://directlb:{world.UrlPassword}@", StringComparison.Ordinal);
        world.East.Store.Create(MemberSecret("member-west", "west", Encoding.UTF8.GetBytes(world.WestKubeconfig)));

        // A Secret whose kubeconfig cannot be read, token and all: the error that says so must not quote it.
        world.East.Store.Create(MemberSecret("member-broken", "broken", Encoding.UTF8.GetBytes($"users:\n- name: x\n  user:\n    token: {world.MemberSecretToken}\n  : [unclosed")));
        return world;
    }

    /// <summary>The arguments of a production-like replica: every secret on its command line.</summary>
    public IReadOnlyList<string> ReplicaArgs(string logFormat, string logLevel) =>
    [
        "--kubeconfig", WithToken(East.WriteKubeconfig(Path.Combine(Work, "east.kubeconfig")), KubeconfigToken), "--cluster-id", "east",
        "--member-secrets-kubeconfig", Path.Combine(Work, "east.kubeconfig"), "--member-secrets-namespace", "directlb",
        "--provider", "http", "--provider-url", Cloud.BaseAddress.ToString(), $"--DirectLB:Http:BearerToken={ProviderToken}",
        "--journal-provider", "postgresql", "--journal", $"{Postgres.ConnectionString};Password={JournalPassword}",
        "--hostname", "127.0.0.1", "--log-format", logFormat, $"--Serilog:MinimumLevel:Default={logLevel}",
        "--DirectLB:Reconcile:Debounce=00:00:00.020", "--DirectLB:Reconcile:MinBackoff=00:00:00.100", "--DirectLB:Reconcile:MaxBackoff=00:00:01",
    ];

    /// <summary>Arguments that must be refused at start: a provider URL with a password in it.</summary>
    public IReadOnlyList<string> ArgsWithCredentialsInProviderUrl(string logFormat) =>
    [
        .. ReplicaArgs(logFormat, "Information").Select(a => a == Cloud.BaseAddress.ToString() ? $"http://directlb:{UrlPassword}@127.0.0.1:{_cloudPort}/" : a),
    ];

    /// <summary>The member cluster's API server goes away, then comes back on its port with what it held.</summary>
    public async Task RestartWestAsync(Func<Task> whileDown)
    {
        var port = West.Port;
        await West.StopAsync();
        await whileDown();
        West = await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions { Port = port, Store = West.Store, BookmarkInterval = TimeSpan.FromMilliseconds(500) });
    }

    /// <summary>The cloud API goes away (connection refused), then comes back on its port with the same load balancers.</summary>
    public async Task RestartCloudAsync(Func<Task> whileDown)
    {
        await Cloud.DisposeAsync();
        await whileDown();
        await StartCloudAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cloud.DisposeAsync();
        await West.DisposeAsync();
        await East.DisposeAsync();
        await Postgres.DisposeAsync();
        Directory.Delete(Work, recursive: true);
    }

    private async Task StartCloudAsync() =>
        Cloud = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions { Listen = $"127.0.0.1:{_cloudPort}", Provider = _provider, BearerToken = ProviderToken });

    private static string Secret(string what) => $"{what}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";

    /// <summary>Puts <paramref name="token"/> in place of the API test server's fixed token (it accepts any).</summary>
    private static string WithToken(string kubeconfigPath, string token)
    {
        var text = File.ReadAllText(kubeconfigPath);
        var start = text.IndexOf("token: ", StringComparison.Ordinal) + "token: ".Length;
        var end = text.IndexOf('\n', start);
        File.WriteAllText(kubeconfigPath, text[..start] + token + text[end..]);
        return kubeconfigPath;
    }

    private static V1Secret MemberSecret(string name, string clusterId, byte[] kubeconfig) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "directlb",
            Labels = new Dictionary<string, string> { ["directlb.io/member-cluster"] = "true", ["directlb.io/cluster-id"] = clusterId },
        },
        Data = new Dictionary<string, byte[]> { ["kubeconfig"] = kubeconfig },
    };
}
