from django.urls import path, re_path

from . import feeds, sitemaps, views, views_wordpress
from .feeds import per_request

app_name = "reviews"

urlpatterns = [
    path("", views_wordpress.redirect_post_query(views.HomeView.as_view()), name="home"),
    path("reviews/", views.ReviewListView.as_view(), name="review-list"),
    path("reviews/<slug:slug>/", views.ReviewDetailView.as_view(), name="review-detail"),
    path("films/<slug:slug>/", views.FilmDetailView.as_view(), name="film-detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("critics/", views.CriticListView.as_view(), name="critic-list"),
    path("critics/<slug:slug>/", views.CriticDetailView.as_view(), name="critic-detail"),
    path("genres/<slug:slug>/", views.GenreDetailView.as_view(), name="genre-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("feeds/reviews/rss/", per_request(feeds.ReviewFeed), name="feed-rss"),
    path("feeds/reviews/atom/", per_request(feeds.LatestReviewsAtom), name="feed-atom"),
    path("feeds/critics/<slug:slug>/rss/", per_request(feeds.CriticReviewsFeed), name="critic-feed-rss"),
    path("feeds/critics/<slug:slug>/atom/", per_request(feeds.CriticReviewsAtom), name="critic-feed-atom"),
    path("feeds/genres/<slug:slug>/rss/", per_request(feeds.GenreReviewsFeed), name="genre-feed-rss"),
    path("feeds/genres/<slug:slug>/atom/", per_request(feeds.GenreReviewsAtom), name="genre-feed-atom"),
    path(
        "feeds/reviews/<slug:slug>/comments/rss/",
        per_request(feeds.ReviewCommentsFeed),
        name="comments-feed-rss",
    ),
    path(
        "feeds/reviews/<slug:slug>/comments/atom/",
        per_request(feeds.ReviewCommentsAtom),
        name="comments-feed-atom",
    ),
    # Old WordPress permalinks (/2010/09/28/never-let-me-go/, and a page of its comments) of
    # imported reviews.
    re_path(
        r"^(?P<year>\d{4})/(?P<month>\d{1,2})/(?:(?P<day>\d{1,2})/)?(?P<slug>[^/]+)/(?:comment-page-\d{1,6}/)?$",
        views_wordpress.post_permalink,
        name="wordpress-post",
    ),
]
