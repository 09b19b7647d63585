from django.shortcuts import render


def forbjuden(request, exception=None):
    return render(request, "403.html", status=403)


def saknas(request, exception=None):
    return render(request, "404.html", status=404)


def serverfel(request):
    return render(request, "500.html", status=500)
