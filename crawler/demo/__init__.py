"""The bundled demo county site (青溪县人民政府) and the loopback server that serves it."""
from .server import LoopbackServer, closed_port_url, demo_sites_yaml, serve_demo
from .site import DemoSite, build_site

__all__ = ["DemoSite", "LoopbackServer", "build_site", "closed_port_url", "demo_sites_yaml", "serve_demo"]
