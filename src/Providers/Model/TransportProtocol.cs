namespace DirectLB.Providers.Model;

public enum TransportProtocol
{
    Tcp,
    Udp,
    Sctp,
}
