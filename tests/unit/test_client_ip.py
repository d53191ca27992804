from core.net import client_ip


def test_without_trusted_proxies_the_peer_address_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}) == "10.0.0.1"


def test_trusted_proxies_are_peeled_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}
    assert client_ip(meta) == "203.0.113.7"  # the client's forged 6.6.6.6 is ignored
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(meta) == "6.6.6.6"


def test_missing_header_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip({"REMOTE_ADDR": "10.0.0.1"}) == "10.0.0.1"
