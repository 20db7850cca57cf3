"""The shared programme catalogue is kept by site administrators; tenant data is edited on the pages."""

from django.contrib import admin

from .models import ProgrammeTemplate, TemplateWindow


class TemplateWindowInline(admin.TabularInline):
    model = TemplateWindow
    extra = 1


@admin.register(ProgrammeTemplate)
class ProgrammeTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "level", "max_amount_jpy"]
    list_filter = ["level"]
    search_fields = ["name", "agency"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TemplateWindowInline]
