from django.views.generic import TemplateView


class TipLineView(TemplateView):
    template_name = "tips/tip_line.html"
