from hypothesis import given
from hypothesis import strategies as st

from crawler.urls import allowed, canonical, column_key


def test_one_column_whatever_url_leads_to_it():
    a = column_key("http://www.qx.gov.cn/zwgk/tzgg/")
    assert a == column_key("http://WWW.qx.gov.cn:80/zwgk/tzgg/index.html")
    assert a == column_key("http://www.qx.gov.cn/zwgk/tzgg/index_3.html#top")
    assert a == column_key("http://www.qx.gov.cn/zwgk/tzgg/index.html?page=2")
    assert a != column_key("http://www.qx.gov.cn/zwgk/zcwj/")


def test_session_ids_dropped():
    assert canonical("http://a.gov.cn/x.jsp;jsessionid=ABC?b=2&a=1&sid=9") == "http://a.gov.cn/x.jsp?a=1&b=2"


def test_boundaries():
    site = {"url": "https://www.qx.gov.cn/", "allow_hosts": ["hd.qx.gov.cn"]}
    assert allowed("https://www.qx.gov.cn/a/", site)
    assert allowed("http://hd.qx.gov.cn/b/", site)
    assert not allowed("https://www.other.gov.cn/", site)
    assert not allowed("javascript:void(0)", site)
    assert not allowed("ftp://www.qx.gov.cn/", site)
    loop = {"url": "http://127.0.0.1:8000/"}
    assert allowed("http://127.0.0.1:8000/x", loop)
    public_to_private = {"url": "https://www.qx.gov.cn/", "allow_hosts": ["10.0.0.5"]}
    assert not allowed("http://10.0.0.5/admin", public_to_private)
    assert allowed("http://10.0.0.5/admin", dict(public_to_private, allow_private=True))


@given(st.sampled_from(["http", "https", "HTTP"]), st.sampled_from(["a.gov.cn", "A.Gov.cn", "127.0.0.1"]),
       st.sampled_from(["", ":80", ":443", ":8080", ":8443"]),
       st.lists(st.sampled_from(["x", "Y", "index_2.html", "a%20b", "c;jsessionid=9", "t2020_1.html", ""]),
                max_size=4),
       st.sampled_from(["", "/", "?b=1&a=2", "#frag", "?sid=3"]))
def test_canonical_fast_path_equals_the_full_one(scheme, host, port, segments, tail):
    from crawler.urls import _canonical, canonical
    url = f"{scheme}://{host}{port}/" + "/".join(segments) + tail
    assert canonical(url) == _canonical(url)
